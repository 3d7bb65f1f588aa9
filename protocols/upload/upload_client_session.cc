#include "protocols/upload/upload_client_session.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "protocols/upload/memory_upload_source.h"

namespace kit::upload {

ClientSessionOutcome run_client_session(const std::vector<ClientFile>& files,
                                        const UploadClientOptions& options,
                                        const testing::Chunking& chunks,
                                        const std::vector<std::size_t>& pool_steps, bool cut) {
  fakes::FakeContext context(/*seed=*/1);
  fakes::StringTransport transport;
  transport.set_context(context);
  std::vector<UploadItem> items;
  std::vector<const MemoryUploadSource*> sources;
  for (const ClientFile& f : files) {
    auto source = std::make_unique<MemoryUploadSource>("local/" + f.remote, f.content);
    sources.push_back(source.get());
    items.push_back({std::move(source), f.remote});
  }
  ClientSessionOutcome outcome;
  UploadClient client(std::move(items), options);
  (void)client.done().add_callback([&](UploadReport r) { outcome.report = std::move(r); });
  transport.connect(client);
  auto& pool = context.thread_pool();
  for (std::size_t i = 0; i < chunks.size() && transport.connected(); ++i) {
    transport.receive(chunks[i]);
    if (i < pool_steps.size()) {
      for (std::size_t k = 0; k < pool_steps[i] && pool.run_next(); ++k) {
      }
    } else {
      pool.run_all();
    }
  }
  while (pool.run_all() > 0) {
  }
  if (cut && transport.connected()) transport.lose_from_peer();
  if (transport.connected()) {
    // Past every timeout; each one ends the conversation, so this runs at most a few rounds.
    for (int round = 0; round < 4 && transport.connected(); ++round) {
      context.clock().advance(options.timeout + std::chrono::seconds(1));
      while (pool.run_all() > 0) {
      }
    }
  }
  outcome.output = transport.value();
  outcome.closed = !transport.connected();
  outcome.aborted = transport.aborted();
  for (const MemoryUploadSource* source : sources) {
    outcome.largest_read = std::max(outcome.largest_read, source->largest_read());
  }
  return outcome;
}

}  // namespace kit::upload
