"""Speed measurements: ratios measured side by side on this machine, never timed tests."""
