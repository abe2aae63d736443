// The hot path: applies a CompiledProfile to one record. No allocation beyond the events' own
// strings (and none at all into a warmed-up EventBuffer): captures are views into the line or the
// record, paths are pre-split.
#include <algorithm>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "sidecar/normalize/field_assignment.h"
#include "sidecar/normalize/profile_set.h"

namespace specwatch {
namespace {

// Where a Run puts its events: a std::vector (fresh events) or an EventBuffer (reused slots).
struct VectorOut {
  std::vector<CanonicalEvent>& events;
  CanonicalEvent& add() { return events.emplace_back(); }
  void pop_back() { events.pop_back(); }
};

struct BufferOut {
  EventBuffer& events;
  CanonicalEvent& add() { return events.add(); }
  void pop_back() { events.pop_back(); }
};

template <typename Out>
class Run {
 public:
  Run(const CompiledProfile& p, std::string_view service, Out out, EventBuffer::Scratch& scratch)
      : p_(p), service_(service), out_(out), common_(scratch.common) {
    names_.bind(scratch.record);
    // Most profiles have no roots: nothing to set up per record for them.
    if (p_.root_count > 0) roots_.emplace(p_, scratch.roots);
    ctx.captures = scratch.captures.data();
    clear_captures();
    ctx.scratch = &scratch.lowercase;
    ctx.names = &names_;
    ctx.roots = roots_ ? &*roots_ : nullptr;
    ctx.time_memo = &scratch.time_memo;
  }

  // Empties the profile's capture slots (no other slot is read or written).
  void clear_captures() {
    std::fill_n(ctx.captures, std::min<std::size_t>(p_.capture_names.size(), kMaxCaptures),
                std::string_view{});
  }

  // Sets the record (or array element) the rules read.
  // `layout`: what its producer vouches for its top level (Record::value_layout).
  void set_record(JsonRef record, ValueLayout layout = ValueLayout::kUnknown) {
    ctx.record = record;
    names_.reset(&p_, record, p_.memo_count, layout);
    if (roots_) roots_->reset();
  }

  Context ctx;

  void rules() {
    common_done_ = false;
    for (const Rule& rule : p_.rules) {
      bool ok = true;
      for (const Condition& c : rule.when) {
        if (!holds(c, ctx)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (!rule.for_each.empty()) {
        const JsonRef list = resolve_json(rule.for_each, ctx);
        if (list) {
          if (!list.is_array()) {
            note(kInvalidField);
          } else {
            list.for_each_element([&](JsonRef element) {
              ctx.item = element;
              emit(rule);
              return true;
            });
            ctx.item = JsonRef();
          }
        }
      } else {
        emit(rule);
      }
      if (rule.final) break;
    }
  }

  std::string_view reason() const { return reason_; }

 private:
  void note(std::string_view r) {
    if (reason_.empty()) reason_ = r;
  }

  // Sets the common fields of `e`, the record's first event. Why directly into the event: most
  // records make one event, and computing the common fields elsewhere cost a copy of each of them
  // (trace and span ids are 32 and 16 bytes). Only when later rules or array elements may add
  // more events are they kept in common_ for those.
  bool first_common(CanonicalEvent& e) {
    common_done_ = true;
    common_ok_ = true;
    // The defaults go only into the fields no common assignment set: the slot's previous values
    // are overwritten in place (no clear and refill of strings that mostly keep their length).
    ctx.common_assigned = 0;
    apply_list(e, p_.common, ctx, [&](std::string_view r) {
      note(r);
      common_ok_ = false;
      return true;  // the other common fields are still set (the first reason is kept)
    });
    constexpr std::uint32_t kServiceBit = 1u << static_cast<unsigned>(Target::kService);
    if ((ctx.common_assigned & kServiceBit) == 0) e.service.assign(service_);
    reset_unassigned_common(e, ctx.common_assigned | kServiceBit);
    if (common_ok_ && !single_event_) {
      // Only the common targets are ever assigned to common_ (its body is unused); assigning in
      // place keeps their string capacity from record to record.
      copy_common(common_, e);
    }
    return common_ok_;
  }

  void emit(const Rule& rule) {
    if (common_done_ && !common_ok_) return;  // a malformed common field spoils every event
    CanonicalEvent& e = out_.add();           // every field is set below (the slot may be reused)
    if (!common_done_) {
      if (!first_common(e)) {
        out_.pop_back();
        return;
      }
    } else {
      copy_common(e, common_);
    }
    set_kind(e, rule.kind);
    if (!apply_all(e, rule.set)) return;
    if (!rule.on_error.empty() && failed(e)) apply_all(e, rule.on_error);
  }

  // Applies the assignments in order; on the first bad value notes its reason, drops the event
  // (the last one added) and returns false.
  bool apply_all(CanonicalEvent& e, const std::vector<Assignment>& assignments) {
    return apply_list(e, assignments, ctx, [&](std::string_view r) {
      note(r);
      out_.pop_back();
      return false;
    });
  }

  static bool failed(const CanonicalEvent& e) {
    return std::visit(
        [](const auto& body) {
          if constexpr (requires { body.outcome; }) {
            return body.outcome != Outcome::kSuccess;
          } else {
            return false;
          }
        },
        e.body);
  }

  const CompiledProfile& p_;
  // Whether a record makes at most one event (one rule, not per array element): its common
  // fields are then needed only in that event.
  const bool single_event_ = p_.rules.size() == 1 && p_.rules[0].for_each.empty();
  std::string_view service_;
  Out out_;
  std::string_view reason_;
  bool common_done_ = false;
  bool common_ok_ = true;
  CanonicalEvent& common_;  // the record's common fields (only its common targets are used)
  ObjectNames names_;
  std::optional<RootNames> roots_;
};

template <typename Out>
std::string_view normalize_json(const CompiledProfile& profile, JsonRef record,
                                std::string_view service, Out out, EventBuffer::Scratch& scratch,
                                ValueLayout layout = ValueLayout::kUnknown) {
  if (profile.text) return kWrongInput;
  Run<Out> run(profile, service, out, scratch);
  if (profile.split_arrays && record.is_array()) {
    record.for_each_element([&](JsonRef element) {
      run.set_record(element);
      run.clear_captures();
      run.rules();
      return true;
    });
    return run.reason();
  }
  run.set_record(record, layout);
  run.rules();
  return run.reason();
}

template <typename Out>
std::string_view normalize_text(const CompiledProfile& profile, std::string_view line,
                                std::string_view service, Out out, EventBuffer::Scratch& scratch) {
  if (!profile.text) return kWrongInput;
  Run<Out> run(profile, service, out, scratch);
  // A non-null view even for an empty line: the "line" capture is always present.
  run.ctx.captures[0] = line.data() != nullptr ? line : std::string_view("", 0);
  for (const CompiledRegex& r : profile.extract) {
    if (run_regex(r, line, run.ctx)) break;
  }
  run.rules();
  return run.reason();
}

}  // namespace

std::string_view normalize(const CompiledProfile& profile, const rapidjson::Value& record,
                           std::string_view service, std::vector<CanonicalEvent>& out) {
  EventBuffer::Scratch scratch;
  scratch.forget_layouts();
  return normalize_json(profile, JsonRef::of(record), service, VectorOut{out}, scratch);
}

std::string_view normalize(const CompiledProfile& profile, std::string_view line,
                           std::string_view service, std::vector<CanonicalEvent>& out) {
  EventBuffer::Scratch scratch;
  return normalize_text(profile, line, service, VectorOut{out}, scratch);
}

std::string_view normalize(const CompiledProfile& profile, const rapidjson::Value& record,
                           std::string_view service, EventBuffer& out) {
  return normalize_json(profile, JsonRef::of(record), service, BufferOut{out}, out.scratch());
}

std::string_view normalize(const CompiledProfile& profile, JsonRef record, std::string_view service,
                           EventBuffer& out, ValueLayout layout) {
  return normalize_json(profile, record, service, BufferOut{out}, out.scratch(), layout);
}

std::string_view normalize(const CompiledProfile& profile, std::string_view line,
                           std::string_view service, EventBuffer& out) {
  return normalize_text(profile, line, service, BufferOut{out}, out.scratch());
}

}  // namespace specwatch
