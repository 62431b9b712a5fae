"""Cases, family members, contacts, consent, risk assessments, journey stages and playbook tasks."""
