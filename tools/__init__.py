"""Developer tools, kept out of the product wheel: benchmarks that print figures
(`tools.benchmarks`, run as `zwbot bench …`), fault drills (`tools.drills`) and local fakes of
the WeChat and WeCom API servers (`tools.fakes`). They need a source checkout, and most need
`../shared` beside it; the tests and `zwbot bench` import them from the checkout."""
