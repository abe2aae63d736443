// Elasticsearch bulk encoding counted in instructions (callgrind): the path of bulk_workload.h,
// `encode_batches` the only code counted:
//
//   valgrind --tool=callgrind --toggle-collect='specwatch::bench::encode_batches*'
//     build-bench/bench/exporters/elasticsearch_bulk_cost BATCHES WORKLOAD REDACT [ORIGINAL] [GZIP]
//   callgrind_annotate OUT | grep 'PROGRAM TOTALS'     → divide by the events printed
//
// WORKLOAD: llm or log; REDACT, ORIGINAL, GZIP: 0 or 1. One batch is encoded before counting
// starts, so that the buffers are warm as in a running exporter. BATCHES 0 prints the first two
// items of the body instead (what the events look like).
#include <cstdlib>
#include <iostream>
#include <string>

#include "bulk_workload.h"

int main(int argc, char** argv) {
  using namespace specwatch::bench;
  if (argc < 4) {
    std::cerr << "usage: elasticsearch_bulk_cost BATCHES llm|log REDACT [ORIGINAL] [GZIP]\n";
    return 2;
  }
  const int batches = std::atoi(argv[1]);
  const Workload workload = std::string(argv[2]) == "log" ? Workload::kLog : Workload::kLlm;
  const bool redact = std::string(argv[3]) == "1";
  const bool original = argc > 4 && std::string(argv[4]) == "1";
  const bool gzip = argc > 5 && std::string(argv[5]) == "1";
  const NormalizedBatch normalized = make_batch(workload);
  const specwatch::EventBatch batch = normalized.batch();
  BulkPath path(redact, original);
  std::size_t compressed = 0;
  path.encode(batch, gzip, compressed);  // warm
  if (batches == 0) {
    std::size_t end = 0;
    for (int line = 0; line < 4; ++line) end = path.body().find('\n', end) + 1;
    std::cout << path.body().substr(0, end);
    return 0;
  }
  compressed = 0;
  const std::size_t bytes = encode_batches(path, batch, batches, gzip, compressed);
  const std::size_t events = static_cast<std::size_t>(batches) * batch.events.size();
  std::cout << "events=" << events << " body_bytes=" << bytes
            << " bytes_per_event=" << static_cast<double>(bytes) / static_cast<double>(events);
  if (gzip) std::cout << " gzip_bytes=" << compressed;
  std::cout << "\n";
  return 0;
}
