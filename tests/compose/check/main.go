// Command check loads a compose file with compose-go (the library Docker Compose itself uses to read compose
// files), so the file is checked against the compose specification's schema, interpolated and normalised, and its
// cross-references (depends_on, volumes, ...) are resolved exactly as `docker compose` would. It prints the
// resolved project as JSON on stdout, or the loader's error on stderr and exits 1.
//
//	go run . ../../../docker-compose.yml
//
// Variables are resolved from an empty environment (no .env file, not the caller's environment), so
// `${VAR:-default}` takes the file's defaults and the result is the same on every machine.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: check <compose file>")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithEnv([]string{}),
		cli.WithDiscardEnvFile,
		cli.WithConsistency(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
