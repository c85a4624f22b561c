# The browser test (tests/e2e/test_browser.py) drives Debian's Chromium through Playwright.
# Playwright's own browser download is never used: the distribution's package is installed
# here when it is missing (CI runs as root; elsewhere run `sudo apt-get install chromium`).
.PHONY: browser

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium is missing: install Debian's package (sudo apt-get install chromium)" >&2; exit 1; fi; }

TEST_DEPS += browser
