// The subset of autocannon's API the benchmark uses (autocannon ships no types).
declare module "autocannon" {
  namespace autocannon {
    interface Options {
      title?: string;
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      connections?: number;
      duration?: number;
      /** Requests sent in turn on each connection; setupRequest may rewrite each one before it is sent. */
      requests?: ReadonlyArray<{ setupRequest?: (request: RequestParams) => RequestParams }>;
    }
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface Histogram {
      average: number;
      p50: number;
      p99: number;
      total: number;
    }
    interface Result {
      title?: string;
      requests: Histogram;
      latency: Histogram;
      non2xx: number;
      errors: number;
    }
  }
  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): unknown;
  export default autocannon;
}
