"""One M-of-N result signer node: own key, own sources, signs once per game, submits to the ResultOracle."""
