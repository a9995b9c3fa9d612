// pinana: one binary, one small file per subcommand. main() only dispatches.
#include <CLI/CLI.hpp>

#include <iostream>

#include "subcommands.h"

int main(int argc, char** argv) {
  CLI::App app{"pinana: cluster-wide device and extension state over SIP"};
  app.require_subcommand(1);
  int rc = 0;
  auto* sip = app.add_subcommand("sip", "SIP tools");
  sip->require_subcommand(1);
  pinana::app::add_sip_parse(*sip, rc);
  pinana::app::add_hub(app, rc);
  pinana::app::add_node(app, rc);
  pinana::app::add_demo(app, rc);
  pinana::app::add_client_commands(app, rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return rc;
}
