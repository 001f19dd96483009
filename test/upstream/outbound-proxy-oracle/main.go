// The oracle for outbound-proxy.test.ts: for each URL on standard input (one per line), the
// proxy Go's net/http picks from HTTP_PROXY / HTTPS_PROXY / NO_PROXY in this process's
// environment (http.ProxyFromEnvironment, the rules the go command uses), or DIRECT.
package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		u, err := url.Parse(in.Text())
		if err != nil {
			fmt.Println("ERROR")
			continue
		}
		p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
		switch {
		case err != nil:
			fmt.Println("ERROR")
		case p == nil:
			fmt.Println("DIRECT")
		default:
			fmt.Println(p.String())
		}
	}
}
