"""Base page layout, static assets, form handling and error pages shared by every part."""
