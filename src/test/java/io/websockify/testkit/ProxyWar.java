package io.websockify.testkit;

import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the proxy WAR for Arquillian from the project's classes, with the given context-params. */
public final class ProxyWar {
    /** Test code and the standalone launcher stay out of the WAR, as in the real build. */
    private static final String TEST_CLASSES =
            ".*(Test|IT)(\\$[^/.]*)?(\\.class)?$|.*[/.](testkit|standalone|bench)[/.].*";

    private ProxyWar() {
    }

    public static WebArchive create(String name, Map<String, String> contextParams) {
        return create(name, contextParams, "");
    }

    /** As {@link #create(String, Map)}, with more web.xml elements (security constraints, …). */
    public static WebArchive create(String name, Map<String, String> contextParams, String moreWebXml) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                """);
        new LinkedHashMap<>(contextParams).forEach((k, v) -> xml.append("  <context-param><param-name>")
                .append(k).append("</param-name><param-value>").append(escape(v))
                .append("</param-value></context-param>\n"));
        xml.append(moreWebXml).append("</web-app>\n");
        return ShrinkWrap.create(WebArchive.class, name)
                .addPackages(true, Filters.exclude(TEST_CLASSES), "io.websockify")
                .setWebXML(new StringAsset(xml.toString()));
    }

    private static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
