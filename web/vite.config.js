// Vite builds the staff pages into web/dist: index.html plus assets/NAME-HASH.{js,css,woff2…},
// which `jiuye serve --web web/dist` serves (index.html no-cache, assets cached for a year).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // no inline data: URLs for fonts/images beyond this size (CSP img-src allows data: only for small icons)
    assetsInlineLimit: 2048,
    chunkSizeWarningLimit: 1500,
    // no module preload polyfill: it is an inline script, which the CSP (script-src 'self') forbids
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
  server: {
    // `npx vite` for development: the API from a running `jiuye serve` on 8080
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
