package io.hookgate.connections;

/**
 * The GraphQL mutations of Kili's plugins API that a connection sends, as Kili's Python SDK writes them
 * (kili-technology/kili-python-sdk, src/kili/core/graphql/operations/plugin/mutations.py: GQL_CREATE_WEBHOOK,
 * GQL_UPDATE_WEBHOOK, GQL_ACTIVATE_PLUGIN_ON_PROJECT, GQL_DEACTIVATE_PLUGIN_ON_PROJECT, GQL_DELETE_PLUGIN). The
 * SDK drops the variables that are null ({@code eventMatcher} when not given), and so does hookgate.
 */
final class KiliPluginDocuments {
  static final String CREATE_WEBHOOK = """
      mutation(
        $eventMatcher: [String!]
        $handlerTypes: [PluginHandlerType!]
        $pluginName: String!
        $webhookUrl: String!
        $header: String
        ) {
        data: createWebhook(
          data: {
            eventMatcher: $eventMatcher
            handlerTypes: $handlerTypes
            header: $header
            pluginName: $pluginName
            webhookUrl: $webhookUrl
          }
        )
      }
      """;

  static final String UPDATE_WEBHOOK = CREATE_WEBHOOK.replace("createWebhook", "updateWebhook");

  static final String ACTIVATE_PLUGIN_ON_PROJECT = """
      mutation(
        $pluginName: String!
        $projectId: ID!
        ) {
        data: activatePluginOnProject(
          where: {
            pluginName: $pluginName
            projectId: $projectId
          }
        )
      }
      """;

  static final String DEACTIVATE_PLUGIN_ON_PROJECT = ACTIVATE_PLUGIN_ON_PROJECT.replace("activatePluginOnProject",
      "deactivatePluginOnProject");

  static final String DELETE_PLUGIN = """
      mutation(
        $pluginName: String!
        ) {
        data: deletePlugin(
          where: {
            pluginName: $pluginName
          }
        )
      }
      """;

  /** In Kili's error when the plugin exists already (the SDK's DUPLICATE_ERROR_SUBSTRING). */
  static final String PLUGIN_EXISTS = "an entity Plugin already exists with value";
  /** In Kili's error when the plugin is active on the project already (DUPLICATE_ACTIVATE_ERROR_SUBSTRING). */
  static final String ALREADY_ACTIVATED = "an entity Project already exists with value";

  private KiliPluginDocuments() {
  }
}
