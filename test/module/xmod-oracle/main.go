// Command xmod-oracle answers questions about Go module rules using golang.org/x/mod and
// Go's path package, for the differential test in ../xmod-oracle.test.ts. It reads one
// JSON array per line ([kind, args...]) and writes one JSON array of results per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func answer(in []string) interface{} {
	switch in[0] {
	case "semver":
		v, w := in[1], in[2]
		return []interface{}{semver.IsValid(v), semver.Canonical(v), semver.Major(v), semver.MajorMinor(v),
			semver.Prerelease(v), semver.Build(v), semver.Compare(v, w), module.CanonicalVersion(v)}
	case "path":
		p := in[1]
		_, pathMajor, ok := module.SplitPathVersion(p)
		escPath, _ := module.EscapePath(p)
		unescPath, unescErr := module.UnescapePath(p)
		escVersion, _ := module.EscapeVersion(p)
		unescVersion, _ := module.UnescapeVersion(p)
		return []interface{}{errText(module.CheckPath(p)), errText(module.CheckImportPath(p)),
			errText(module.CheckFilePath(p)), pathMajor, ok, escPath, unescPath, unescErr == nil,
			escVersion, unescVersion}
	case "check":
		return []interface{}{errText(module.Check(in[1], in[2]))}
	case "match":
		matched, err := path.Match(in[1], in[2])
		return []interface{}{matched, err != nil, module.MatchPrefixPatterns(in[1], in[2])}
	case "pseudo":
		v := in[1]
		base, baseErr := module.PseudoVersionBase(v)
		rev, _ := module.PseudoVersionRev(v)
		t, timeErr := module.PseudoVersionTime(v)
		ts := ""
		if timeErr == nil {
			ts = t.UTC().Format("2006-01-02T15:04:05Z")
		}
		return []interface{}{module.IsPseudoVersion(v), base, errText(baseErr), rev, ts, module.IsZeroPseudoVersion(v)}
	case "gomod":
		data := []byte(in[1])
		out := []interface{}{modfile.ModulePath(data)}
		f, err := modfile.ParseLax("go.mod", data, nil)
		if err != nil {
			return append(out, err.Error())
		}
		mod := []string{}
		if f.Module != nil {
			mod = []string{f.Module.Mod.Path, f.Module.Deprecated}
		}
		goVersion := ""
		if f.Go != nil {
			goVersion = f.Go.Version
		}
		req := [][]interface{}{}
		for _, r := range f.Require {
			req = append(req, []interface{}{r.Mod.Path, r.Mod.Version, r.Indirect})
		}
		ret := [][]string{}
		for _, r := range f.Retract {
			ret = append(ret, []string{r.Low, r.High, r.Rationale})
		}
		return append(out, "", mod, goVersion, req, ret)
	}
	return nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var q []string
		if err := json.Unmarshal(in.Bytes(), &q); err != nil {
			panic(err)
		}
		b, _ := json.Marshal(answer(q))
		fmt.Fprintln(out, string(b))
	}
}
