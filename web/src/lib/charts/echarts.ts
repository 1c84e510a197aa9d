// ECharts with only the parts the detail page uses: line and bar charts, grid, tooltip, legend, mark
// lines and the aria description, drawn as SVG (crisp when printed, smaller than canvas for few points).
// Loaded lazily (dynamic import) so the dashboard's first load carries none of it.
import { BarChart, LineChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { init, use } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, AriaComponent, SVGRenderer]);

export { init };
export type { EChartsCoreOption } from "echarts/core";
