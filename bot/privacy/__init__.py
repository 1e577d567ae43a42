"""Privacy by construction: keyed hashes and sealed addresses (`anonymity`), the one suppression
function every aggregate passes (`suppression`), the server secret, and the privacy feature
itself (`feature`): members' data rights and the daily upkeep that applies retention.

`anonymity`, `suppression` and `server_secret` may import only `bot.parsing` and the standard
library, so the kernel can use them; `feature`, `rights`, `upkeep` and `foundation` may import
the kernel, delivery and `storage`.
"""
