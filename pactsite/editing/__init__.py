"""For editors: `new`, `init`, `codeowners`, their file templates, and reports of problems."""
