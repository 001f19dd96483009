// Command loadgen is the benchmark's open-loop load generator: it sends requests at a fixed
// rate, whether or not earlier ones have been answered, and measures each request's latency
// from the moment it was *scheduled* (not from when a connection became free), so a server
// that falls behind shows it in the percentiles instead of silently slowing the client down
// ("coordinated omission", which closed-loop tools such as wrk and hey suffer from).
//
// Go (1.19) wakes a sleeping goroutine with millisecond granularity (its poller's timeout is
// in ms), so at 2,000 requests/s a request goes out up to ~1 ms after its scheduled time
// whatever the server does: that delay is the generator's, and it would be added to every
// server's latency alike. So each request's latency is also measured from the moment it was
// actually dispatched (the *Send* percentiles, which still include any wait for one of the
// `-conns` connections, so a server that falls behind still shows), and the dispatch delays
// themselves are reported (the *Lag* percentiles).
//
// Paths are taken in turn from a file (one per line), so the load is the same mix that the
// throughput run uses. The result is one JSON object on stdout. Standard library only.
//
// With -dump FILE, every measured request is also written to FILE, one line each: its
// scheduled time (Unix ns), its dispatch lag (ns), its latency from dispatch (ns; -1: failed or
// unanswered) and the index of its path in the paths file. For finding *when* the slow ones
// were sent (bench/experiments/stall-report.ts lines them up with a server's event log); the
// file is written after the run, so it changes nothing that is measured.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Rate          float64 `json:"rate"`
	DurationS     float64 `json:"durationS"`
	Sent          int     `json:"sent"`
	Measured      int     `json:"measured"`
	Errors        int64   `json:"errors"`
	Non2xx        int64   `json:"non2xx"`
	Failed        int     `json:"failed"`
	TimedOut      bool    `json:"timedOut"`
	AchievedRate  float64 `json:"achievedRate"`
	P50Ms         float64 `json:"p50Ms"`
	P90Ms         float64 `json:"p90Ms"`
	P99Ms         float64 `json:"p99Ms"`
	P999Ms        float64 `json:"p999Ms"`
	MaxMs         float64 `json:"maxMs"`
	MaxDispatchMs float64 `json:"maxDispatchLagMs"`
	P50SendMs     float64 `json:"p50SendMs"`
	P90SendMs     float64 `json:"p90SendMs"`
	P99SendMs     float64 `json:"p99SendMs"`
	P999SendMs    float64 `json:"p999SendMs"`
	P50LagMs      float64 `json:"p50LagMs"`
	P99LagMs      float64 `json:"p99LagMs"`
	// Statuses counts the answers by status code; FirstError is the first transport error.
	Statuses   map[int]int `json:"statuses"`
	FirstError string      `json:"firstError,omitempty"`
}

func main() {
	base := flag.String("base", "", "server URL, e.g. http://127.0.0.1:8080")
	pathsFile := flag.String("paths", "", "file with one request path per line")
	rate := flag.Float64("rate", 1000, "requests per second")
	duration := flag.Duration("duration", 10*time.Second, "measured time")
	warmup := flag.Duration("warmup", time.Second, "time at the rate before measuring")
	conns := flag.Int("conns", 64, "maximum connections")
	dump := flag.String("dump", "", "file to write every measured request to (see above)")
	flag.Parse()
	if *base == "" || *pathsFile == "" || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "usage: loadgen -base URL -paths FILE [-rate N] [-duration D]")
		os.Exit(2)
	}
	paths, err := readLines(*pathsFile)
	if err != nil || len(paths) == 0 {
		fmt.Fprintf(os.Stderr, "loadgen: cannot read paths: %v\n", err)
		os.Exit(2)
	}
	urls := make([]string, len(paths))
	for i, p := range paths {
		urls[i] = *base + p
	}

	client := &http.Client{
		Transport: &http.Transport{
			MaxConnsPerHost:     *conns,
			MaxIdleConns:        *conns,
			MaxIdleConnsPerHost: *conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
		Timeout: 30 * time.Second,
	}

	interval := time.Duration(float64(time.Second) / *rate)
	total := int((*warmup + *duration) / interval)
	skip := int(*warmup / interval)
	latency := make([]int64, total)     // ns from scheduled time; -1 = failed or unfinished
	sendLatency := make([]int64, total) // ns from dispatch; -1 = failed or unfinished
	lag := make([]int64, total)         // ns from scheduled time to dispatch
	var errors, non2xx int64
	var mu sync.Mutex
	statuses := map[int]int{}
	firstError := ""
	var wg sync.WaitGroup
	var maxLag time.Duration

	start := time.Now()
	for i := 0; i < total; i++ {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		} else if -d > maxLag && i >= skip {
			maxLag = -d
		}
		latency[i] = -1
		sendLatency[i] = -1
		sent := time.Now()
		lag[i] = int64(sent.Sub(at))
		wg.Add(1)
		go func(i int, at, sent time.Time) {
			defer wg.Done()
			fail := func(err error) {
				atomic.AddInt64(&errors, 1)
				mu.Lock()
				if firstError == "" {
					firstError = err.Error()
				}
				mu.Unlock()
			}
			resp, err := client.Get(urls[i%len(urls)])
			if err != nil {
				fail(err)
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil {
				fail(err)
				return
			}
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				atomic.AddInt64(&non2xx, 1)
			}
			now := time.Now()
			latency[i] = int64(now.Sub(at))
			sendLatency[i] = int64(now.Sub(sent))
		}(i, at, sent)
	}
	sendEnd := time.Now()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timedOut := false
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		timedOut = true // requests still running count as failed
	}

	measured := sortedMs(latency[skip:])
	fromSend := sortedMs(sendLatency[skip:])
	lags := sortedMs(lag[skip:])
	r := result{
		Rate:          *rate,
		DurationS:     duration.Seconds(),
		Sent:          total - skip,
		Measured:      len(measured),
		Errors:        errors,
		Non2xx:        non2xx,
		Failed:        total - skip - len(measured),
		TimedOut:      timedOut,
		AchievedRate:  float64(total) / sendEnd.Sub(start).Seconds(),
		P50Ms:         pct(measured, 0.50),
		P90Ms:         pct(measured, 0.90),
		P99Ms:         pct(measured, 0.99),
		P999Ms:        pct(measured, 0.999),
		MaxDispatchMs: float64(maxLag) / 1e6,
		P50SendMs:     pct(fromSend, 0.50),
		P90SendMs:     pct(fromSend, 0.90),
		P99SendMs:     pct(fromSend, 0.99),
		P999SendMs:    pct(fromSend, 0.999),
		P50LagMs:      pct(lags, 0.50),
		P99LagMs:      pct(lags, 0.99),
	}
	mu.Lock()
	r.Statuses = statuses
	r.FirstError = firstError
	mu.Unlock()
	if len(measured) > 0 {
		r.MaxMs = measured[len(measured)-1]
	}
	if *dump != "" {
		if err := writeDump(*dump, start, interval, skip, lag, sendLatency, len(urls)); err != nil {
			fmt.Fprintf(os.Stderr, "loadgen: writing %s: %v\n", *dump, err)
			os.Exit(1)
		}
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

// writeDump writes the requests from index skip on, one line each (see the command's comment).
func writeDump(name string, start time.Time, interval time.Duration, skip int, lag, sendLatency []int64, paths int) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := skip; i < len(lag); i++ {
		at := start.Add(time.Duration(i) * interval)
		fmt.Fprintf(w, "%d %d %d %d\n", at.UnixNano(), lag[i], sendLatency[i], i%paths)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sortedMs returns the non-negative values of ns, in ms, sorted.
func sortedMs(ns []int64) []float64 {
	out := make([]float64, 0, len(ns))
	for _, v := range ns {
		if v >= 0 {
			out = append(out, float64(v)/1e6)
		}
	}
	sort.Float64s(out)
	return out
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func readLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); line != "" {
			lines = append(lines, line)
		}
	}
	return lines, s.Err()
}
