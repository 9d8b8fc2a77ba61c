// Only the ECharts parts the history chart uses; loaded lazily with the first chart.
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type { EChartsType } from 'echarts/core';
export { init };
