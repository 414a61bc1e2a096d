// Command interlend is the Interlend interlibrary loan server. Run
// `interlend help` for its subcommands.
package main

import (
	"context"
	"os"

	"interlend/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
