#include "herd/peer_message.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "herd/client_directory.h"

namespace herd {

namespace {

constexpr std::string_view kUpdate = "UPDATE ";
constexpr std::string_view kRepair = "AE-REPAIR ";
constexpr std::string_view kDigest = "AE-DIGEST ";
constexpr std::string_view kEntries = "AE-ENTRIES ";
constexpr std::string_view kWant = "AE-WANT ";
constexpr std::string_view kIhave = "PT-IHAVE ";
constexpr std::string_view kGraft = "PT-GRAFT ";
constexpr std::string_view kPrune = "PT-PRUNE";
// Digest levels a line may name: node indexes stay below 16^7 (32 bits).
constexpr unsigned kMaxLevel = 7;

void put_hex(std::string& out, std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xF];
}

// Exactly 16 lowercase hex digits.
bool take_hex(std::string_view s, std::uint64_t& v) {
  if (s.size() != 16) return false;
  v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else return false;
    v = v << 4 | d;
  }
  return true;
}

// Plain decimal: digits only, no sign, no leading zero (but "0").
template <typename T>
bool take_uint(std::string_view s, T& v) {
  if (s.empty() || (s.size() > 1 && s[0] == '0') || s[0] < '0' || s[0] > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// Signed decimal: an optional '-', then as take_uint (no "-0").
bool take_int(std::string_view s, Nanos& v) {
  const bool negative = !s.empty() && s[0] == '-';
  std::string_view digits = negative ? s.substr(1) : s;
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0') || digits[0] < '0' || digits[0] > '9') return false;
  if (negative && digits == "0") return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits "a b c" at single spaces; false on an empty field (a run of spaces,
// a leading or trailing space).
template <typename F>
bool each_field(std::string_view s, F&& f) {
  while (true) {
    const auto space = s.find(' ');
    const std::string_view field = s.substr(0, space);
    if (field.empty() || !f(field)) return false;
    if (space == std::string_view::npos) return true;
    s.remove_prefix(space + 1);
  }
}

// "a:b:c" into three parts.
bool split3(std::string_view s, std::string_view (&part)[3]) {
  const auto c1 = s.find(':');
  if (c1 == std::string_view::npos) return false;
  const auto c2 = s.find(':', c1 + 1);
  if (c2 == std::string_view::npos || s.find(':', c2 + 1) != std::string_view::npos) return false;
  part[0] = s.substr(0, c1);
  part[1] = s.substr(c1 + 1, c2 - c1 - 1);
  part[2] = s.substr(c2 + 1);
  return true;
}

bool parse_update(std::string_view line, ClientDirectory& clients, PeerMessage& out) {
  const auto space = line.find(' ');
  // 1..65535 in plain decimal: no sign, no leading zero (hops start at 1).
  if (space == std::string_view::npos || space == 0 || space > 5 || line[0] == '0') return false;
  unsigned hops = 0;
  auto [ptr, ec] = std::from_chars(line.data(), line.data() + space, hops);
  if (ec != std::errc() || ptr != line.data() + space || hops > 0xFFFF) return false;
  ReportRef r = parse_at_line(line.substr(space + 1), clients);
  if (!r) return false;
  out = PeerMessage{PeerMessage::Kind::Update, static_cast<std::uint16_t>(hops), std::move(r), nullptr};
  return true;
}

bool parse_digest(std::string_view line, PeerMessage& out) {
  auto body = std::make_shared<ControlBody>();
  int field = 0;
  unsigned depth = 0, level = 0;
  const bool ok = each_field(line, [&](std::string_view f) {
    const int i = field++;
    if (i == 0) return take_uint(f, depth) && depth <= kMaxLevel;
    if (i == 1) return take_uint(f, level) && level <= kMaxLevel;
    std::string_view part[3];
    ControlBody::Node n;
    if (body->nodes.size() == ControlBody::kMaxNodes || !split3(f, part) || !take_uint(part[0], n.index) ||
        !take_uint(part[1], n.count) || !take_hex(part[2], n.hash))
      return false;
    if (n.index >= (std::uint64_t{1} << (4 * level))) return false;
    body->nodes.push_back(n);
    return true;
  });
  if (!ok || body->nodes.empty()) return false;
  body->depth = static_cast<std::uint8_t>(depth);
  body->level = static_cast<std::uint8_t>(level);
  out = PeerMessage{PeerMessage::Kind::AeDigest, 0, {}, std::move(body)};
  return true;
}

bool parse_entries(std::string_view line, PeerMessage& out) {
  auto body = std::make_shared<ControlBody>();
  int field = 0;
  const bool ok = each_field(line, [&](std::string_view f) {
    const int i = field++;
    if (i == 0) return take_hex(f, body->lo);
    if (i == 1) return take_hex(f, body->hi) && body->lo <= body->hi;
    std::string_view part[3];
    ControlBody::Entry e;
    if (body->entries.size() == ControlBody::kMaxEntries || !split3(f, part) || !take_hex(part[0], e.client) ||
        !take_int(part[1], e.time) || !take_hex(part[2], e.report))
      return false;
    // In client-hash order, inside the range.
    const std::uint64_t floor = body->entries.empty() ? body->lo : body->entries.back().client;
    if (e.client < floor || e.client > body->hi) return false;
    body->entries.push_back(e);
    return true;
  });
  if (!ok || field < 2) return false;
  out = PeerMessage{PeerMessage::Kind::AeEntries, 0, {}, std::move(body)};
  return true;
}

bool parse_want(std::string_view line, PeerMessage& out) {
  auto body = std::make_shared<ControlBody>();
  const bool ok = each_field(line, [&](std::string_view f) {
    std::uint64_t h = 0;
    if (body->wants.size() == ControlBody::kMaxWants || !take_hex(f, h)) return false;
    body->wants.push_back(h);
    return true;
  });
  if (!ok) return false;
  out = PeerMessage{PeerMessage::Kind::AeWant, 0, {}, std::move(body)};
  return true;
}

// A client name as an AT line carries it: one field, no whitespace.
bool valid_client_name(std::string_view f) {
  if (f.empty() || f.size() > 0xFFFF) return false;
  return std::none_of(f.begin(), f.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

// "<hops> <client> <time>" (PT-IHAVE, PT-GRAFT): hops 1..65535 and time as
// in UPDATE's rules for numbers, the client a name an IAMAT could carry.
bool parse_announcement(std::string_view line, PeerMessage::Kind kind, ClientDirectory& clients, PeerMessage& out) {
  auto body = std::make_shared<ControlBody>();
  unsigned hops = 0;
  int field = 0;
  const bool ok = each_field(line, [&](std::string_view f) {
    const int i = field++;
    if (i == 0) return take_uint(f, hops) && hops >= 1 && hops <= 0xFFFF;
    if (i == 1) {
      if (!valid_client_name(f)) return false;
      const auto id = clients.try_intern(f);
      if (!id) return false;
      body->client = *id;
      body->client_name = std::string(f);
      return true;
    }
    return i == 2 && take_int(f, body->time);
  });
  if (!ok || field != 3) return false;
  out = PeerMessage{kind, static_cast<std::uint16_t>(hops), {}, std::move(body)};
  return true;
}

}  // namespace

const char* kind_name(PeerMessage::Kind k) {
  switch (k) {
    case PeerMessage::Kind::Update: return "update";
    case PeerMessage::Kind::Repair: return "repair";
    case PeerMessage::Kind::AeDigest: return "ae_digest";
    case PeerMessage::Kind::AeEntries: return "ae_entries";
    case PeerMessage::Kind::AeWant: return "ae_want";
    case PeerMessage::Kind::PtIhave: return "pt_ihave";
    case PeerMessage::Kind::PtGraft: return "pt_graft";
    case PeerMessage::Kind::PtPrune: return "pt_prune";
  }
  return "update";
}

std::string format_peer_message(const PeerMessage& m) {
  std::string out;
  switch (m.kind) {
    case PeerMessage::Kind::Update:
      out = kUpdate;
      out += std::to_string(m.hops);
      out += ' ';
      out += m.report->at_line();
      return out;
    case PeerMessage::Kind::Repair:
      out = kRepair;
      out += m.report->at_line();
      return out;
    case PeerMessage::Kind::AeDigest: {
      const ControlBody& b = *m.control;
      out = kDigest;
      out += std::to_string(b.depth);
      out += ' ';
      out += std::to_string(b.level);
      for (const auto& n : b.nodes) {
        out += ' ';
        out += std::to_string(n.index);
        out += ':';
        out += std::to_string(n.count);
        out += ':';
        put_hex(out, n.hash);
      }
      return out;
    }
    case PeerMessage::Kind::AeEntries: {
      const ControlBody& b = *m.control;
      out = kEntries;
      put_hex(out, b.lo);
      out += ' ';
      put_hex(out, b.hi);
      for (const auto& e : b.entries) {
        out += ' ';
        put_hex(out, e.client);
        out += ':';
        out += std::to_string(e.time);
        out += ':';
        put_hex(out, e.report);
      }
      return out;
    }
    case PeerMessage::Kind::AeWant: {
      out = "AE-WANT";
      for (const std::uint64_t h : m.control->wants) {
        out += ' ';
        put_hex(out, h);
      }
      return out;
    }
    case PeerMessage::Kind::PtIhave:
    case PeerMessage::Kind::PtGraft:
      out = m.kind == PeerMessage::Kind::PtIhave ? kIhave : kGraft;
      out += std::to_string(m.hops);
      out += ' ';
      out += m.control->client_name;
      out += ' ';
      out += std::to_string(m.control->time);
      return out;
    case PeerMessage::Kind::PtPrune:
      return std::string(kPrune);
  }
  return out;
}

bool parse_peer_message(std::string_view line, ClientDirectory& clients, PeerMessage& out) {
  if (line.starts_with(kUpdate)) return parse_update(line.substr(kUpdate.size()), clients, out);
  if (line.starts_with(kRepair)) {
    ReportRef r = parse_at_line(line.substr(kRepair.size()), clients);
    if (!r) return false;
    out = PeerMessage{PeerMessage::Kind::Repair, 1, std::move(r), nullptr};
    return true;
  }
  if (line.starts_with(kDigest)) return parse_digest(line.substr(kDigest.size()), out);
  if (line.starts_with(kEntries)) return parse_entries(line.substr(kEntries.size()), out);
  if (line.starts_with(kWant)) return parse_want(line.substr(kWant.size()), out);
  if (line.starts_with(kIhave)) return parse_announcement(line.substr(kIhave.size()), PeerMessage::Kind::PtIhave, clients, out);
  if (line.starts_with(kGraft)) return parse_announcement(line.substr(kGraft.size()), PeerMessage::Kind::PtGraft, clients, out);
  if (line == kPrune) {
    out = PeerMessage{PeerMessage::Kind::PtPrune, 0, {}, std::make_shared<ControlBody>()};
    return true;
  }
  return false;
}

}  // namespace herd
