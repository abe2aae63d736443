// Calls OTLP's TraceService/Export with any bytes as the message (not necessarily a valid
// ExportTraceServiceRequest): what a broken or hostile client sends, which the generated stub
// cannot. Used by the unit and end-to-end tests of the OTLP/gRPC receiver's bad input.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

namespace specwatch::testing {

inline grpc::Status export_raw_traces(const std::shared_ptr<grpc::Channel>& channel,
                                      const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(bytes.data(), bytes.size());
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer reply;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                 grpc::StubOptions(), &request, &reply,
                 [&](grpc::Status status) { done.set_value(status); });
  return done.get_future().get();
}

}  // namespace specwatch::testing
