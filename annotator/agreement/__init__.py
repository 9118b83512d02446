"""Inter-annotator agreement: the statistics (`stats`), their intervals (`intervals`), the
project's report over submitted labels (`report`) and its text form (`formatting`)."""
