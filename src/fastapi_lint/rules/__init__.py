"""One rule per module; the registry discovers them by walking this package."""
