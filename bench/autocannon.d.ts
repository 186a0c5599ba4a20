// autocannon 9 ships no types; this is the part the benchmarks use.
declare module 'autocannon' {
  interface Request { method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string>; setupRequest?: (req: Request) => Request }
  interface Options { url: string; connections?: number; duration?: number; pipelining?: number; requests?: Request[] }
  interface Histogram { average: number; p50: number; p90: number; p99: number; max: number }
  interface Result { requests: Histogram & { total: number }; latency: Histogram; '2xx': number; non2xx: number; errors: number; timeouts: number }
  function autocannon(options: Options, callback: (err: Error | null, result: Result) => void): void;
  export default autocannon;
}
