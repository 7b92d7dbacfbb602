package dev.vxlab.orchestrator.render;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import freemarker.template.TemplateModelException;
import java.io.IOException;
import java.io.Writer;

/**
 * FreeMarker output format "sysconfig": auto-escapes every {@code ${...}} of a template that declares
 * {@code <#ftl output_format="sysconfig">} with {@link Renderer#shellDoubleQuoted}, as .ftlx does with XML.
 * The template itself writes the quotes: {@code KEY="${value}"}.
 */
final class SysconfigOutputFormat extends CommonMarkupOutputFormat<SysconfigOutputFormat.Markup> {
    static final SysconfigOutputFormat INSTANCE = new SysconfigOutputFormat();
    static final String NAME = "sysconfig";

    private SysconfigOutputFormat() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getMimeType() {
        return "text/plain";
    }

    @Override
    public void output(String textToEscape, Writer out) throws IOException, TemplateModelException {
        out.write(escapePlainText(textToEscape));
    }

    @Override
    public String escapePlainText(String plainText) throws TemplateModelException {
        try {
            return Renderer.shellDoubleQuoted(plainText);
        } catch (IllegalArgumentException e) {
            throw new TemplateModelException(e.getMessage());
        }
    }

    @Override
    public boolean isLegacyBuiltInBypassed(String builtInName) {
        return false;
    }

    @Override
    protected Markup newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
        return new Markup(plainTextContent, markupContent);
    }

    static final class Markup extends CommonTemplateMarkupOutputModel<Markup> {
        Markup(String plainTextContent, String markupContent) {
            super(plainTextContent, markupContent);
        }

        @Override
        public SysconfigOutputFormat getOutputFormat() {
            return INSTANCE;
        }
    }
}
