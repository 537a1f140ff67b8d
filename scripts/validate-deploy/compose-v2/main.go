// Loads docker-compose.yml the way Docker Compose v2 does (compose-go: YAML, interpolation, merge keys,
// the compose-spec JSON schema, profiles, depends_on conditions) and fails on any error:
//
//	go run ./scripts/validate-deploy/compose-v2 docker-compose.yml [profile...]
//
// Debian's docker-compose (v1) checks the file too; this one proves Compose v2 accepts it as well.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-v2 <compose file> [profile...]")
		os.Exit(2)
	}
	file, _ := filepath.Abs(os.Args[1])
	profiles := os.Args[2:]
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithName("salla-odoo-sync"),
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithOsEnv,
		cli.WithProfiles(profiles),
	)
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	names := project.ServiceNames()
	sort.Strings(names)
	fmt.Printf("compose-v2: %s valid with profiles %v: %d services %v\n", filepath.Base(file), profiles, len(names), names)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-v2: %v\n", err)
	os.Exit(1)
}
