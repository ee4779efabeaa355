"""The seven-day watch on each school account: who checks it on which days, the daily
check-in, and the coverage SLT see."""
