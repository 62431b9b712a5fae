"""Messages to families (issue 16): how each family member can be reached, notices of hearing changes
written to an outbox in the same transaction as the change, a dispatcher that sends what is due by
email (SMTP) or GOV.UK Notify, and the "Got it" page that records that the family was told."""
