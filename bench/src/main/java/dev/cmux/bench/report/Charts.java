package dev.cmux.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Grouped bar charts (one group per scenario, one bar per target) and line charts over time, written as PNG for the
 * README.
 */
final class Charts {

    private Charts() {
    }

    /**
     * @param values scenario → target → value; targets missing in a scenario, or without a number, are drawn as 0
     */
    static void bars(Path file, String title, String yTitle, List<String> scenarios, List<String> targets,
                     Map<String, Map<String, Double>> values) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(450).title(title)
                .xAxisTitle("scenario").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setAvailableSpaceFill(0.8);
        for (String target : targets) {
            List<Double> ys = new ArrayList<>();
            for (String scenario : scenarios) {
                Double v = values.getOrDefault(scenario, Map.of()).get(target);
                ys.add(v == null || !Double.isFinite(v) ? 0.0 : v); // the chart library refuses infinities
            }
            chart.addSeries(target, scenarios, ys);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** One line of {@code ys} over {@code xs}. */
    static void line(Path file, String title, String xTitle, String yTitle, String series, List<Double> xs,
                     List<Double> ys) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(450).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(0);
        chart.addSeries(series, xs, ys);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
