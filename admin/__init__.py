"""ANCT back-office: review queues, consultations, envelopes, audit, exports."""
