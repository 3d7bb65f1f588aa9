#include "protocols/upload/upload_session.h"

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"

namespace kit::upload {

SessionOutcome run_session(MemoryUploadStore& store, const UploadServerOptions& options,
                           const testing::Chunking& chunks,
                           const std::vector<std::size_t>& pool_steps, bool cut,
                           std::uint64_t seed) {
  fakes::FakeContext context(seed);
  fakes::StringTransport transport;
  transport.set_context(context);
  UploadServer server(store, options);
  transport.connect(server);
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
  if (cut && transport.connected()) transport.lose_from_peer();
  while (pool.run_all() > 0) {
  }
  SessionOutcome outcome;
  outcome.output = transport.value();
  outcome.closed = !transport.connected();
  outcome.files = store.files();
  outcome.temporaries = store.temporaries();
  return outcome;
}

}  // namespace kit::upload
