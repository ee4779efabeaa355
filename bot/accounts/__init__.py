"""The register of school social media accounts: applications, approval, creation, handover."""
