package io.hookgate.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the configuration: built-in defaults, then the YAML file, then environment variables.
 *
 * <p>The file is {@code $HOOKGATE_CONFIG} when set, else {@code conf/hookgate.yaml} in the working
 * directory, else the copy bundled in the jar. Any key can be overridden by an environment variable named
 * {@code HOOKGATE_} + its path in upper case with {@code _} between segments, e.g.
 * {@code HOOKGATE_INGRESS_PORT=8081} or {@code HOOKGATE_SOURCES_KILI_MAX_BODY_BYTES=2MiB}; camelCase keys
 * match with or without underscores between their words. {@code KAFKA_BOOTSTRAP_SERVERS} is honoured as
 * the well-known name for {@code kafka.bootstrapServers}.
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  public static final String ENV_PREFIX = "HOOKGATE_";
  /** Variables under the prefix that are not configuration keys: the file's location, and logback's own. */
  private static final Set<String> NOT_CONFIG_KEYS = Set.of("HOOKGATE_CONFIG", "HOOKGATE_LOG_FORMAT",
      "HOOKGATE_LOG_LEVEL",
      // Secrets the shipped configuration refers to (api.tokens, encryption.keys), not keys of their own.
      "HOOKGATE_ADMIN_TOKEN", "HOOKGATE_VIEWER_TOKEN", "HOOKGATE_ENCRYPTION_KEY", "HOOKGATE_ENCRYPTION_KEY_PREVIOUS");

  private final ObjectMapper yaml;
  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(env);
    this.yaml = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** Loads from the default location, resolved as described above. */
  public HookgateConfig load() {
    String explicit = env.get("HOOKGATE_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("HOOKGATE_CONFIG: no config file at " + path.toAbsolutePath());
      }
      return load(path);
    }
    Path local = Path.of("conf", "hookgate.yaml");
    if (Files.isRegularFile(local)) {
      return load(local);
    }
    LOG.info("No conf/hookgate.yaml in {}; using the configuration bundled in the jar", Path.of("").toAbsolutePath());
    try (InputStream in = resource("conf/hookgate.yaml")) {
      return bind(merge(defaults(), readTree(in, "bundled conf/hookgate.yaml")), "bundled conf/hookgate.yaml");
    } catch (IOException e) {
      throw new ConfigException("could not read the bundled configuration: " + e.getMessage(), e);
    }
  }

  public HookgateConfig load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      LOG.info("Configuration file: {}", file.toAbsolutePath());
      return bind(merge(defaults(), readTree(in, file.toString())), file.toString());
    } catch (IOException e) {
      throw new ConfigException("could not read config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Loads from YAML text; used by tests and tools. */
  public HookgateConfig loadYaml(String text) {
    try {
      return bind(merge(defaults(), yaml.readTree(text)), "inline configuration");
    } catch (IOException e) {
      throw new ConfigException("configuration is not valid YAML: " + e.getMessage(), e);
    }
  }

  private JsonNode defaults() throws IOException {
    try (InputStream in = resource("hookgate-defaults.yaml")) {
      return readTree(in, "built-in defaults");
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("missing resource " + name);
    }
    return in;
  }

  private JsonNode readTree(InputStream in, String origin) {
    try {
      JsonNode node = yaml.readTree(in);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(origin + ": the top level must be a mapping of keys");
      }
      return node;
    } catch (IOException e) {
      throw new ConfigException(origin + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private HookgateConfig bind(JsonNode tree, String origin) {
    List<String> applied = new java.util.ArrayList<>();
    applyEnvironment((ObjectNode) tree, applied);
    tree.path("sources").fields().forEachRemaining(e -> require(e.getValue().isObject(),
        "sources." + e.getKey(), "must be a mapping with at least kind and auth"));
    HookgateConfig config;
    try {
      config = yaml.treeToValue(tree, HookgateConfig.class);
    } catch (JsonMappingException e) {
      String key = path(e);
      throw new ConfigException("config key '" + key + "' " + originOf(key, origin, applied) + ": " + reason(e, key),
          e);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (in " + origin + ")", e);
    } catch (IOException e) {
      throw new ConfigException(origin + ": " + e.getMessage(), e);
    }
    ConfigChecks.validate(config);
    return config;
  }

  private static String reason(JsonMappingException e, String key) {
    if (e instanceof UnrecognizedPropertyException u && u.getKnownPropertyIds() != null) {
      return "unknown key; the keys here are " + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof ConfigException || root instanceof IllegalArgumentException) {
      // Sizes and durations name their key themselves; say it once.
      String msg = root.getMessage();
      return msg.startsWith(key + ": ") ? msg.substring(key.length() + 2) : msg;
    }
    String msg = e.getOriginalMessage();
    int cut = msg.indexOf(" (class ");
    return cut > 0 ? msg.substring(0, cut) : msg;
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  static JsonNode merge(JsonNode base, JsonNode over) {
    if (!(base instanceof ObjectNode b) || !over.isObject()) {
      return over.deepCopy();
    }
    ObjectNode out = b.deepCopy();
    over.fields().forEachRemaining(e -> {
      JsonNode existing = out.get(e.getKey());
      out.set(e.getKey(), existing == null ? e.getValue().deepCopy() : merge(existing, e.getValue()));
    });
    return out;
  }

  /** Says where a key's value came from: the environment variable that set it, else the file. */
  private static String originOf(String key, String file, List<String> appliedEnv) {
    String wanted = key.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
    for (String name : appliedEnv) {
      String n = name.substring(ENV_PREFIX.length()).replace("_", "").toUpperCase(Locale.ROOT);
      if (n.equals(wanted) || (name.equals("KAFKA_BOOTSTRAP_SERVERS") && key.equals("kafka.bootstrapServers"))) {
        return "(set by environment variable " + name + ")";
      }
    }
    return "in " + file;
  }

  private void applyEnvironment(ObjectNode tree, List<String> applied) {
    String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
    if (bootstrap != null) {
      ((ObjectNode) tree.with("kafka")).put("bootstrapServers", bootstrap);
      applied.add("KAFKA_BOOTSTRAP_SERVERS");
    }
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith(ENV_PREFIX) && !NOT_CONFIG_KEYS.contains(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          List<String> tokens = Arrays.stream(e.getKey().substring(ENV_PREFIX.length()).split("_"))
              .filter(t -> !t.isEmpty())
              .map(t -> t.toLowerCase(Locale.ROOT))
              .collect(Collectors.toList());
          if (override(tree, HookgateConfig.class, tokens, e.getValue())) {
            applied.add(e.getKey());
          } else {
            // Name only the variable: its value may be a secret. Not an error: platforms inject variables
            // of their own under this prefix (a Kubernetes Service named hookgate adds HOOKGATE_PORT=tcp://...).
            LOG.warn("Environment variable {} matches no configuration key; ignored", e.getKey());
          }
        });
  }

  /**
   * Walks the tree consuming tokens; a key matches one or more tokens joined, ignoring case. The walk
   * follows the configuration's record types, so a variable can set a key the file does not mention (its
   * parent mappings are created as needed); map entries (sources) must exist already, except in the free-form
   * Kafka property maps, where the remaining tokens joined with dots are the property name.
   */
  private boolean override(ObjectNode node, Type type, List<String> tokens, String value) {
    Map<String, Type> children = childTypes(node, type);
    for (int take = tokens.size(); take >= 1; take--) {
      String joined = String.join("", tokens.subList(0, take));
      List<String> rest = tokens.subList(take, tokens.size());
      for (Map.Entry<String, Type> child : children.entrySet()) {
        if (normalize(child.getKey()).equals(joined) && set(node, child.getKey(), child.getValue(), rest, value)) {
          return true;
        }
      }
    }
    if (isStringMap(type)) {
      // A Kafka client property: HOOKGATE_KAFKA_CLIENT_SECURITY_PROTOCOL sets client."security.protocol".
      node.put(String.join(".", tokens), value);
      return true;
    }
    return false;
  }

  private boolean set(ObjectNode node, String key, Type type, List<String> rest, String value) {
    JsonNode child = node.get(key);
    if (rest.isEmpty() && isStringList(type)) {
      // A list of strings from one variable: comma-separated (HOOKGATE_SUBSCRIPTIONS_ALLOWED_HOSTS=a,10.0.0.0/8).
      var list = yaml.createArrayNode();
      Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(list::add);
      node.set(key, list);
      return true;
    }
    if (rest.isEmpty()) {
      if ((child != null && child.isContainerNode()) || isStructured(type)) {
        return false;
      }
      node.set(key, scalar(value));
      return true;
    }
    if (child != null && !(child instanceof ObjectNode)) {
      return false;
    }
    if (child == null && !isStructured(type)) {
      return false;
    }
    ObjectNode obj = child == null ? yaml.createObjectNode() : (ObjectNode) child;
    if (!override(obj, type, rest, value)) {
      return false;
    }
    node.set(key, obj);
    return true;
  }

  /** The keys that may appear under a node, with their types: record components, or a map's entries. */
  private static Map<String, Type> childTypes(ObjectNode node, Type type) {
    Map<String, Type> out = new java.util.LinkedHashMap<>();
    Class<?> raw = raw(type);
    if (raw != null && raw.isRecord()) {
      for (RecordComponent c : raw.getRecordComponents()) {
        out.put(c.getName(), c.getGenericType());
      }
    } else if (raw != null && Map.class.isAssignableFrom(raw) && type instanceof ParameterizedType p) {
      node.fieldNames().forEachRemaining(name -> out.put(name, p.getActualTypeArguments()[1]));
    }
    return out;
  }

  private static boolean isStructured(Type type) {
    Class<?> raw = raw(type);
    return raw != null && (raw.isRecord() || Map.class.isAssignableFrom(raw) || List.class.isAssignableFrom(raw));
  }

  private static boolean isStringList(Type type) {
    return type instanceof ParameterizedType p && List.class.isAssignableFrom(raw(p))
        && p.getActualTypeArguments()[0] == String.class;
  }

  private static boolean isStringMap(Type type) {
    return type instanceof ParameterizedType p && Map.class.isAssignableFrom(raw(p))
        && p.getActualTypeArguments()[1] == String.class;
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    return type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c ? c : null;
  }

  private JsonNode scalar(String value) {
    try {
      JsonNode parsed = yaml.readTree(value);
      return parsed != null && parsed.isValueNode() ? parsed : yaml.getNodeFactory().textNode(value);
    } catch (IOException e) {
      return yaml.getNodeFactory().textNode(value);
    }
  }

  private static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "': " + message);
    }
  }
}
