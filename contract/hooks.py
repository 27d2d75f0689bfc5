"""Schemathesis hooks for the contract checks (.ci/contract loads them through SCHEMATHESIS_HOOKS).

The activities import takes an Excel workbook as the raw request body; schemathesis has no
serializer for that media type, so generated bodies are sent as raw bytes, as for
application/octet-stream. The server must then refuse them with its JSON 422.
"""

import schemathesis

schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
)
