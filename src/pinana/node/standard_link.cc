#include "pinana/node/standard_link.h"

namespace pinana::node {

std::unique_ptr<ClusterLink> make_standard_link(LinkContext context) {
  (void)context;
  return nullptr;
}

}  // namespace pinana::node
