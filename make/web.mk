# The web UI (web/): installed from its lock file, built into web/dist, tested with vitest.
# Stamps keep `make run` and `make test` from reinstalling or rebuilding what has not changed.
NPM := npm --prefix web --cache $(CURDIR)/.cache/npm --no-audit --no-fund --loglevel=error
WEB_INSTALLED := web/node_modules/.installed
WEB_BUILT := web/dist/.built
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	web/index.html web/vite.config.ts web/postcss.config.cjs web/tsconfig.json web/tsconfig.app.json \
	web/tsconfig.node.json web/scripts/print-initial-size.mjs web/package.json

# The GraphQL IDE's page (web/src/graphiql), built into the Python package that serves it
# (service/entrypoints/graphql_ide.py) and ships it in the Lambda bundle.
GRAPHIQL_BUILT := service/entrypoints/static/graphiql/.built
GRAPHIQL_SOURCES := $(shell find web/src/graphiql -type f 2>/dev/null) web/vite.graphiql.config.ts web/package.json

.PHONY: web-install web-build web-test graphiql-build

$(WEB_INSTALLED): web/package-lock.json web/package.json
	$(NPM) ci
	touch $@

web-install: $(WEB_INSTALLED)

$(WEB_BUILT): $(WEB_INSTALLED) $(WEB_SOURCES)
	$(NPM) run build
	touch $@

$(GRAPHIQL_BUILT): $(WEB_INSTALLED) $(GRAPHIQL_SOURCES)
	$(NPM) run build:graphiql
	touch $@

graphiql-build: $(GRAPHIQL_BUILT)

web-build: $(WEB_BUILT) $(GRAPHIQL_BUILT)

web-test: web-install
	$(NPM) run --silent format:check
	$(NPM) test

RUN_DEPS += web-build
TEST_DEPS += web-test web-build
