"""Every write of the domiciliation part, one module per side of the case."""
