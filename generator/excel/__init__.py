"""The Excel round trip of a plan's budget and attendees."""
