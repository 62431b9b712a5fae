"""The shared Word document engine: render a template from templates/docx/, make it accessible."""
