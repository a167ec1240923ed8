package io.hookgate.pull;

/**
 * The GraphQL documents the Kili pull sends, as Kili's Python SDK sends them: the subscription
 * {@code labelCreatedOrUpdated(projectID)} (aliased {@code data}, as the SDK does), and the {@code labels} query
 * with its {@code LabelWhere} filter, {@code first} and {@code skip}, for the backfill.
 */
final class KiliDocuments {
  /**
   * The label's fields: what Kili's webhook carries in {@code payload.label} and the normalization reads, its
   * asset ({@code labelOf}), and {@code createdAt}, by which the pull keeps its position.
   */
  static final String LABEL_FIELDS = """
      id
      createdAt
      labelType
      jsonResponse
      secondsToLabel
      isLatestLabelForUser
      author { id email firstname lastname }
      labelOf { id externalId }
      """;

  static final String SUBSCRIPTION = "subscription($projectID: ID!) {\n"
      + "  data: labelCreatedOrUpdated(projectID: $projectID) {\n" + LABEL_FIELDS + "  }\n}\n";

  static final String LABELS = "query labels($where: LabelWhere!, $first: PageSize!, $skip: Int!) {\n"
      + "  data: labels(where: $where, first: $first, skip: $skip) {\n" + LABEL_FIELDS + "  }\n}\n";

  private KiliDocuments() {
  }
}
