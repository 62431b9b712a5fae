"""Referrals: how families reach the service, the managers' queue, and accepting one into a case."""
