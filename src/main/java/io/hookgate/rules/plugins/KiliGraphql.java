package io.hookgate.rules.plugins;

/**
 * The GraphQL documents the Kili Python SDK sends, exactly as they go on the wire. The SDK (26.x) parses
 * its query strings with gql and its HTTP transport sends {@code graphql.print_ast(document)} (graphql-core
 * 3.2), not the source text, so these are the printed forms of {@code GQL_CREATE_ISSUES}
 * ({@code kili/adapters/kili_api_gateway/issue/operations.py}) and {@code GQL_SEND_BACK_ASSETS_TO_QUEUE}
 * ({@code kili/entrypoints/mutations/asset/queries.py}, whose fragment is just {@code id}). The body is
 * {@code {"query": ..., "variables": ...}} with no {@code operationName}.
 */
public final class KiliGraphql {
  /** {@code kili.create_issues}: variables {@code {issues: [{labelID, objectMid, type, assetId, text}], where: {project: {id}}}}. */
  public static final String CREATE_ISSUES = """
      mutation createIssues($issues: [IssueToCreate!]!, $where: AssetWhere!) {
        data: createIssues(issues: $issues, where: $where) {
          id
        }
      }""";

  /** {@code kili.send_back_to_queue}: variables {@code {where: {idIn: [assetId, ...]}}}; anonymous operation. */
  public static final String SEND_BACK_TO_QUEUE = """
      mutation ($where: AssetWhere!) {
        data: sendBackAssetsToQueue(where: $where) {
          id
        }
      }""";

  private KiliGraphql() {
  }
}
