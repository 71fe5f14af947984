import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;
import org.springframework.expression.common.TemplateParserContext;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * Differential-test oracle: evaluates SpEL cases with the real Spring Expression Language.
 *
 * Input (stdin): one JSON object per line, {"id", "expr", "root", "mode": "expression"|"template"}.
 * Output (stdout): one JSON object per line, {"id", "ok": true, "value", "javaType", "text"} or
 * {"id", "ok": false, "error": "EL1008E" | "<exception class>", "message"}.
 *
 * The root is read with Jackson (integers → Integer/Long, decimals → Double, objects →
 * LinkedHashMap, arrays → ArrayList), as a Java service would see a JSON request. A JSON object
 * is read as a bean whose properties are its keys (like spring-context's MapAccessor: a missing
 * key is EL1008E), and every root key is also registered as a variable, as the Java decision
 * service did.
 */
public final class SpelOracle {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final SpelExpressionParser PARSER = new SpelExpressionParser();
  private static final ParserContext TEMPLATE = new TemplateParserContext();

  /** Map keys as bean properties: readable when present (missing → Spring's EL1008E). */
  static final class MapAsBean implements PropertyAccessor {
    public Class<?>[] getSpecificTargetClasses() { return new Class<?>[] { Map.class }; }
    public boolean canRead(EvaluationContext c, Object target, String name) { return target instanceof Map && ((Map<?, ?>) target).containsKey(name); }
    public TypedValue read(EvaluationContext c, Object target, String name) throws AccessException { return new TypedValue(((Map<?, ?>) target).get(name)); }
    public boolean canWrite(EvaluationContext c, Object target, String name) { return false; }
    public void write(EvaluationContext c, Object target, String name, Object value) throws AccessException { throw new AccessException("read-only"); }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--version")) {
      System.out.println(SpelExpressionParser.class.getPackage().getImplementationVersion() + " on Java " + System.getProperty("java.version"));
      return;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      JsonNode c = JSON.readTree(line);
      out.println(JSON.writeValueAsString(evaluate(c)));
    }
    out.flush();
  }

  static ObjectNode evaluate(JsonNode c) {
    ObjectNode r = NODES.objectNode();
    r.set("id", c.get("id"));
    try {
      Object root = JSON.treeToValue(c.get("root"), Object.class);
      StandardEvaluationContext ctx = new StandardEvaluationContext(root);
      ctx.addPropertyAccessor(new MapAsBean());
      if (root instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) root).entrySet()) ctx.setVariable(String.valueOf(e.getKey()), e.getValue());
      }
      String mode = c.path("mode").asText("expression");
      Expression e = "template".equals(mode) ? PARSER.parseExpression(c.get("expr").asText(), TEMPLATE) : PARSER.parseExpression(c.get("expr").asText());
      Object v = e.getValue(ctx);
      r.put("ok", true);
      r.set("value", toJson(v));
      r.put("javaType", v == null ? "null" : v.getClass().getName());
      r.put("text", String.valueOf(v));
    } catch (SpelEvaluationException | SpelParseException ex) {
      r.put("ok", false);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("EL\\d{4}[EWI]").matcher(String.valueOf(ex.getMessage()));
      r.put("error", m.find() ? m.group() : ex.getClass().getName());
      r.put("message", ex.getMessage());
    } catch (Exception | StackOverflowError ex) {
      r.put("ok", false);
      r.put("error", ex.getClass().getName());
      r.put("message", String.valueOf(ex.getMessage()));
    }
    return r;
  }

  /** JSON for a result; non-finite doubles are tagged, as JSON has no number for them. */
  static JsonNode toJson(Object v) {
    if (v == null) return NODES.nullNode();
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        ObjectNode o = NODES.objectNode();
        o.put("$double", Double.toString(d));
        return o;
      }
      return NODES.numberNode(d);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) return NODES.numberNode(((Number) v).intValue());
    if (v instanceof Long) return NODES.numberNode((Long) v);
    if (v instanceof java.math.BigDecimal) return NODES.numberNode((java.math.BigDecimal) v);
    if (v instanceof java.math.BigInteger) return NODES.numberNode((java.math.BigInteger) v);
    if (v instanceof Boolean) return NODES.booleanNode((Boolean) v);
    if (v instanceof Character) return NODES.textNode(v.toString());
    if (v instanceof CharSequence) return NODES.textNode(v.toString());
    if (v instanceof Map) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) o.set(String.valueOf(e.getKey()), toJson(e.getValue()));
      return o;
    }
    if (v instanceof Collection) {
      ArrayNode a = NODES.arrayNode();
      for (Object x : (Collection<?>) v) a.add(toJson(x));
      return a;
    }
    if (v.getClass().isArray() && !v.getClass().getComponentType().isPrimitive()) {
      ArrayNode a = NODES.arrayNode();
      for (Object x : (Object[]) v) a.add(toJson(x));
      return a;
    }
    ObjectNode o = NODES.objectNode();
    o.put("$unsupported", v.getClass().getName());
    return o;
  }
}
