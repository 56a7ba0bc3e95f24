"""One module per use case: resolve patients, open the transaction, write, summarise, flag."""
