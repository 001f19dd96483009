// Oracle for the go-import tokenizer differential test: reads a JSON array of base64 pages on
// stdin and prints, for each, the go-import tags cmd/go would read (module mode, mod entries
// first) or the error it would report. Mirrors cmd/go/internal/vcs/discovery.go, which is an
// internal package and cannot be imported.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
)

type result struct {
	Imports [][3]string `json:"imports"`
	Error   string      `json:"error,omitempty"`
}

func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "ascii":
		return input, nil
	default:
		return nil, fmt.Errorf("can't decode XML document using charset %q", charset)
	}
}

func attrValue(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value
		}
	}
	return ""
}

func parse(page []byte) result {
	d := xml.NewDecoder(bytes.NewReader(page))
	d.CharsetReader = charsetReader
	d.Strict = false
	var imports [][3]string
	for {
		t, err := d.RawToken()
		if err != nil {
			if err != io.EOF && len(imports) == 0 {
				return result{Imports: [][3]string{}, Error: err.Error()}
			}
			break
		}
		if e, ok := t.(xml.StartElement); ok && strings.EqualFold(e.Name.Local, "body") {
			break
		}
		if e, ok := t.(xml.EndElement); ok && strings.EqualFold(e.Name.Local, "head") {
			break
		}
		e, ok := t.(xml.StartElement)
		if !ok || !strings.EqualFold(e.Name.Local, "meta") {
			continue
		}
		if attrValue(e.Attr, "name") != "go-import" {
			continue
		}
		if f := strings.Fields(attrValue(e.Attr, "content")); len(f) == 3 {
			imports = append(imports, [3]string{f[0], f[1], f[2]})
		}
	}
	list := [][3]string{}
	have := map[string]bool{}
	for _, m := range imports {
		if m[1] == "mod" {
			have[m[0]] = true
			list = append(list, m)
		}
	}
	for _, m := range imports {
		if m[1] != "mod" && !have[m[0]] {
			list = append(list, m)
		}
	}
	return result{Imports: list}
}

func main() {
	var pages []string
	if err := json.NewDecoder(os.Stdin).Decode(&pages); err != nil {
		panic(err)
	}
	out := make([]result, len(pages))
	for i, p := range pages {
		b, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			panic(err)
		}
		out[i] = parse(b)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
