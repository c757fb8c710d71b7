"""The keeper's errors. It raises the shared oracle errors (`oracle.exceptions`) and these."""

from oracle.exceptions import FatalError


class NotOperatorError(FatalError):
    def __init__(self, address: str, book: str):
        super().__init__(
            f"{address} is not an operator of book {book}: the keeper creates games and markets; the admin "
            f"must call set_operator({address}, True), or point chain.keystore at the operator's key"
        )
