"""Reading the content: site.yaml and the content folder to a validated, frozen Site model."""
