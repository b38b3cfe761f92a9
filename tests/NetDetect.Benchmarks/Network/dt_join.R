# Side-by-side reference for the network benchmark: `network N csv shares.csv` writes the input and times NetDetect on it;
# `Rscript dt_join.R shares.csv THREADS` times the same pairs with data.table (Debian r-cran-data.table).
# Co-share pairs within a 60 s inclusive window via data.table's non-equi self join, aggregated per account pair.
suppressMessages(library(data.table))
args <- commandArgs(trailingOnly = TRUE)
threads <- as.integer(args[2])
setDTthreads(threads)
x <- fread(args[1])
w <- 60L
t0 <- Sys.time()
x[, lo := timestamp_share - w]
res <- x[x, on = .(object_id, timestamp_share >= lo, timestamp_share <= timestamp_share),
         .(a = x.account_id, b = i.account_id, ca = x.content_id, cb = i.content_id, ta = x.timestamp_share, tb = i.timestamp_share),
         allow.cartesian = TRUE, nomatch = NULL]
# each unordered pair once: the earlier share (ties by content id) on the left; never the same account
res <- res[a != b & (ta < tb | (ta == tb & ca < cb))]
res[, `:=`(lo_acc = pmin(a, b), hi_acc = pmax(a, b), d = tb - ta)]
edges <- res[, .(pairs = .N, sum_delta = sum(d), objects = 0L), by = .(lo_acc, hi_acc)]
t1 <- Sys.time()
cat(sprintf("data.table %s, %d thread(s): %d shares, %d pairs, %d edges in %.3f s\n", packageVersion("data.table"), getDTthreads(), nrow(x), nrow(res), nrow(edges), as.numeric(t1 - t0, units = "secs")))
