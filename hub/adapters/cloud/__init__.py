"""The link to headquarters (issue 13): enrolment, pulling feeds by cursor, the outbox and its sender."""
