"""Everything that acts on the chain from outside: feeds, pricing, reporters, keeper."""
