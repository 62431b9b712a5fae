"""Outcomes, the sentence explainer, deadlines, debrief documents and the post-trial support plan."""
