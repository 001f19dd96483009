module modgate.bench/loadgen

go 1.19
